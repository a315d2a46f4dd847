import type { CliOutput } from './context';

// A one-line progress bar: redrawn in place on a terminal, a plain line every few seconds otherwise (logs, CI).

const WIDTH = 30;
const PLAIN_EVERY_MS = 5_000;

export class ProgressBar {
  private readonly started = Date.now();
  private lastPlain = 0;

  constructor(
    private readonly out: CliOutput,
    private readonly label: string,
  ) {}

  update(done: number, total: number): void {
    const now = Date.now();
    const line = this.render(done, total, now);
    if (this.out.isTTY) this.out.write(`\r${line}\x1b[K`);
    else if (now - this.lastPlain >= PLAIN_EVERY_MS) {
      this.out.write(`${line}\n`);
      this.lastPlain = now;
    }
  }

  finish(done: number, total: number): void {
    const line = this.render(done, total, Date.now());
    this.out.write(this.out.isTTY ? `\r${line}\x1b[K\n` : `${line}\n`);
  }

  private render(done: number, total: number, now: number): string {
    const ratio = total > 0 ? Math.min(1, done / total) : 0;
    const filled = Math.round(ratio * WIDTH);
    const seconds = Math.max(0.001, (now - this.started) / 1000);
    const rate = Math.round(done / seconds);
    return `${this.label} [${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${(ratio * 100).toFixed(0).padStart(3)}% ${done}/${total} records, ${rate}/s`;
  }
}
