import cliProgress from 'cli-progress';

export interface Progress {
  advance(by: number): void;
  finish(): void;
}

/** A bar on a terminal; otherwise a log line every tenth of the way, so CI logs stay short. */
export function startProgress(label: string, total: number, log: (message: string) => void): Progress {
  if (process.stdout.isTTY) {
    const bar = new cliProgress.SingleBar(
      { format: `${label} [{bar}] {percentage}% {value}/{total}`, hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0);
    return { advance: (by) => bar.increment(by), finish: () => bar.stop() };
  }
  let done = 0;
  let nextReport = total / 10;
  return {
    advance(by) {
      done += by;
      if (done >= nextReport && done < total) {
        log(`${label}: ${done}/${total}`);
        nextReport += total / 10;
      }
    },
    finish: () => log(`${label}: ${total}/${total}`),
  };
}
