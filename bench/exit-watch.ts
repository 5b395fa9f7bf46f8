/**
 * Loaded into each app process the bench starts (`--import`), before the app: it only listens, so
 * the log says why a server stopped (a signal from outside the bench, or an exit code) when one stops
 * during a run. It changes nothing else: the app's own handlers still run.
 */
const stamp = () => new Date().toISOString();
for (const signal of ['SIGHUP', 'SIGINT', 'SIGQUIT', 'SIGTERM', 'SIGUSR2'] as const) {
  process.on(signal, () => process.stderr.write(`bench exit-watch: ${signal} received at ${stamp()}\n`));
}
process.on('exit', (code) => process.stderr.write(`bench exit-watch: exit code ${code} at ${stamp()}\n`));
