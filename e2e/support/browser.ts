import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { describe } from 'vitest';

/**
 * Debian's Chromium. Overridable only so the skip-or-fail rule below can itself be checked
 * (CHROMIUM_PATH=/nowhere); `npx playwright install` is never used, as there is no internet.
 */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** CI sets REQUIRE_BROWSER=1 so that a missing browser fails the run instead of skipping it. */
export const browserRequired = process.env.REQUIRE_BROWSER === '1';

export const browserAvailable = existsSync(chromiumPath);

const launchArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath, args: launchArgs });
}

let warned = false;

/**
 * A describe block for browser tests. Without Chromium the block is skipped with a message saying
 * why, unless REQUIRE_BROWSER=1, when the file fails at once with a message saying what to install.
 */
export function describeInBrowser(name: string, body: () => void): void {
  if (browserAvailable) {
    describe(name, body);
    return;
  }
  const reason = `Chromium was not found at ${chromiumPath}`;
  if (browserRequired) {
    throw new Error(
      `${reason}, and REQUIRE_BROWSER=1 says the browser tests must run. Install it with \`apt-get install chromium\`.`,
    );
  }
  if (!warned) {
    warned = true;
    console.warn(
      `Skipping the browser tests: ${reason}. Install it with \`apt-get install chromium\`, or set REQUIRE_BROWSER=1 to make this an error.`,
    );
  }
  describe.skip(`${name} (skipped: ${reason})`, body);
}
