import { describe, expect, it } from 'vitest';
import { LeastRecentlyUsed, refreshing } from './cache.js';

describe('refreshing', () => {
  it('loads once per interval, again after it or after invalidate, and forgets a failed load', async () => {
    let time = 0;
    let loads = 0;
    let fail = false;
    const value = refreshing(
      async () => {
        loads += 1;
        if (fail) throw new Error('database away');
        return loads;
      },
      1000,
      () => time,
    );
    expect(await value.get()).toBe(1);
    time = 999;
    expect(await value.get()).toBe(1);
    time = 1000;
    expect(await value.get()).toBe(2);
    value.invalidate();
    expect(await value.get()).toBe(3);
    value.invalidate();
    fail = true;
    await expect(value.get()).rejects.toThrow('database away');
    fail = false;
    expect(await value.get()).toBe(5);
  });
});

describe('LeastRecentlyUsed', () => {
  it('keeps the most recently used entries up to its capacity', () => {
    const cache = new LeastRecentlyUsed<string, number>(2);
    cache.set('a', 1);
    cache.set('b', 2);
    expect(cache.get('a')).toBe(1);
    cache.set('c', 3);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe(1);
    expect(cache.get('c')).toBe(3);
  });
});
