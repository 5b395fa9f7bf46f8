/**
 * Loaded into each app process the bench starts (`--import`), before the app: it only listens, so
 * the log says why a server stopped (a signal from outside the bench, an uncaught error, or the event
 * loop running dry) when one stops during a run. It changes nothing else: the app's own handlers
 * (close-with-grace) still run, and a listener for these events alters no default behaviour there.
 */
const note = (text: string) => process.stderr.write(`bench exit-watch: ${text} at ${new Date().toISOString()}\n`);
// The signals close-with-grace shuts the app down on.
for (const signal of [
  'SIGHUP',
  'SIGINT',
  'SIGQUIT',
  'SIGILL',
  'SIGTRAP',
  'SIGABRT',
  'SIGBUS',
  'SIGFPE',
  'SIGSEGV',
  'SIGUSR2',
  'SIGTERM',
] as const) {
  process.on(signal, () => note(`${signal} received`));
}
process.on('uncaughtExceptionMonitor', (error, origin) =>
  note(`${origin}: ${error instanceof Error ? error.message : String(error)}`),
);
process.on('beforeExit', () => note('event loop empty (beforeExit)'));
process.on('exit', (code) => note(`exit code ${code}`));
