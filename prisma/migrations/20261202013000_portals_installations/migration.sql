-- Public-app installations: one row per HubSpot portal that installed the app through OAuth, with its state,
-- encrypted tokens (AES-256-GCM envelopes naming their key), an optional mapping override and its rate tier.
CREATE TABLE "installations" (
    "portal_id" TEXT NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'active',
    "state_reason" TEXT,
    "scopes" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "hub_domain" TEXT,
    "refresh_token" TEXT,
    "access_token" TEXT,
    "access_token_expires_at" TIMESTAMPTZ(3),
    "token_key_id" TEXT,
    "refreshed_at" TIMESTAMPTZ(3),
    "refresh_count" INTEGER NOT NULL DEFAULT 0,
    "mapping_override" JSONB,
    "rate_tier" TEXT,
    "installed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "state_changed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "installations_pkey" PRIMARY KEY ("portal_id"),
    CONSTRAINT "installations_state_check" CHECK ("state" IN ('active', 'paused', 'broken', 'uninstalled'))
);

-- Install link states: single use and expiring. Expired rows are deleted whenever a new link is made.
CREATE TABLE "oauth_states" (
    "nonce" TEXT NOT NULL,
    "code_verifier" TEXT,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "oauth_states_pkey" PRIMARY KEY ("nonce")
);

CREATE INDEX "oauth_states_expires_at_idx" ON "oauth_states"("expires_at");
