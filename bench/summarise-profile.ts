/**
 * Summarises a V8 CPU profile (`--cpu-prof`, as `BENCH_CPU_PROF=<folder> npm run bench` writes one
 * per app process) as text: where the busy time went, by module and by function, as a share of the
 * time the process was not idle. One app process serves every phase of a bench run in turn, so
 * `--timeline` shows how busy it was second by second and `--window` keeps the seconds of one phase.
 *
 *   node --import tsx bench/summarise-profile.ts <file.cpuprofile> [--window 12-15] [--timeline] [--top 25]
 *     [--under <regex>]   also: the share of busy time spent inside frames whose function or file matches
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    window: { type: 'string' },
    timeline: { type: 'boolean', default: false },
    top: { type: 'string', default: '20' },
    under: { type: 'string', multiple: true, default: [] },
  },
});
if (positionals.length !== 1) {
  console.error(
    'usage: summarise-profile.ts <file.cpuprofile> [--window FROM-TO seconds] [--timeline] [--top N] [--under REGEX]…',
  );
  process.exit(2);
}

const profile = JSON.parse(readFileSync(positionals[0], 'utf8')) as CpuProfile;
const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
const parentOf = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);

// V8's pseudo-frames: (idle) is the event loop waiting, so it is left out of every share.
const idle = new Set(profile.nodes.filter((node) => node.callFrame.functionName === '(idle)').map((node) => node.id));

/** The package (node_modules/<name>), the project's own file, or node's internals a frame belongs to. */
function moduleOf(frame: CallFrame): string {
  const url = frame.url;
  if (!url) return frame.functionName.startsWith('(') ? frame.functionName : '(native)';
  if (url.startsWith('node:')) return url;
  const file = url.replace(/^file:\/\//, '');
  const inPackages = file.lastIndexOf('/node_modules/');
  if (inPackages >= 0) {
    const [scopeOrName, name] = file.slice(inPackages + '/node_modules/'.length).split('/');
    return scopeOrName.startsWith('@') ? `${scopeOrName}/${name}` : scopeOrName;
  }
  return path.relative(process.cwd(), file);
}

const functionOf = (frame: CallFrame) =>
  `${frame.functionName || '(anonymous)'} ${moduleOf(frame)}:${frame.lineNumber + 1}`;

const [fromSeconds, toSeconds] = values.window ? values.window.split('-').map(Number) : [0, Infinity];
const underPatterns = values.under.map((source) => new RegExp(source));

const selfByModule = new Map<string, number>();
const selfByFunction = new Map<string, number>();
const underTime = underPatterns.map(() => 0);
const busyPerSecond: number[] = [];
let busy = 0;
let idleTime = 0;
let elapsed = 0;

for (let index = 0; index < profile.samples.length; index++) {
  // Each sample's delta is the time since the one before it: the time it stands for.
  const delta = profile.timeDeltas[index] ?? 0;
  elapsed += delta;
  const second = Math.floor(elapsed / 1e6);
  const id = profile.samples[index];
  const isIdle = idle.has(id);
  if (!isIdle) busyPerSecond[second] = (busyPerSecond[second] ?? 0) + delta;
  if (second < fromSeconds || second >= toSeconds) continue;
  if (isIdle) {
    idleTime += delta;
    continue;
  }
  busy += delta;
  const frame = nodes.get(id)!.callFrame;
  selfByModule.set(moduleOf(frame), (selfByModule.get(moduleOf(frame)) ?? 0) + delta);
  selfByFunction.set(functionOf(frame), (selfByFunction.get(functionOf(frame)) ?? 0) + delta);
  if (underPatterns.length > 0) {
    const stack: CallFrame[] = [];
    for (let node: number | undefined = id; node !== undefined; node = parentOf.get(node))
      stack.push(nodes.get(node)!.callFrame);
    underPatterns.forEach((pattern, which) => {
      if (stack.some((caller) => pattern.test(caller.functionName) || pattern.test(caller.url)))
        underTime[which] += delta;
    });
  }
}

const share = (time: number) => `${((100 * time) / (busy || 1)).toFixed(1).padStart(5)}%`;
const top = Number(values.top);
const table = (title: string, times: Map<string, number>) => {
  console.log(`\n${title}`);
  for (const [name, time] of [...times].sort((a, b) => b[1] - a[1]).slice(0, top))
    console.log(`  ${share(time)}  ${name}`);
};

const window = values.window ? `seconds ${fromSeconds}–${toSeconds} of the profile` : 'the whole profile';
console.log(`${positionals[0]}: ${window}: ${(busy / 1e6).toFixed(2)} s busy, ${(idleTime / 1e6).toFixed(2)} s idle`);
if (values.timeline) {
  console.log('\nbusy share per second (0–9 = 0–90%+):');
  // Array.from, not map: a second with no busy sample is a hole map would skip.
  const digits = Array.from(busyPerSecond, (time = 0) => Math.min(9, Math.floor(time / 1e5)));
  for (let start = 0; start < digits.length; start += 50)
    console.log(`  ${String(start).padStart(4)} s  ${digits.slice(start, start + 50).join('')}`);
}
table('self time by module (share of busy time)', selfByModule);
table('self time by function', selfByFunction);
if (underPatterns.length > 0) {
  console.log('\ninside (inclusive time, share of busy time)');
  underPatterns.forEach((pattern, which) => console.log(`  ${share(underTime[which])}  ${pattern.source}`));
}
