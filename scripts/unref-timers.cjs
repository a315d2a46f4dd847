// Preloaded into Prisma's migrate commands only: pg pools keep 10-60 s timers alive after the work is
// done, which makes every migrate command linger. Long timers never hold the process open here.
const originalSetTimeout = global.setTimeout;
global.setTimeout = function (fn, ms, ...rest) {
  const timer = originalSetTimeout(fn, ms, ...rest);
  if (typeof ms === 'number' && ms >= 10000 && timer && typeof timer.unref === 'function') timer.unref();
  return timer;
};
