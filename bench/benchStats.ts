// Small helpers the storage bench files share: statistics, printing, timing, the process's I/O.

import fs from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { percentile } from './benchSupport';

export const median = (samples: number[]): number => percentile(samples, 50);
export const ms = (v: number): string => `${v.toFixed(2)} ms`;
export const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(2)} MiB`;
export const kib = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`;
export const pad = (s: string, n: number): string => s.padEnd(n);
export const LABEL = 58;

export function row(label: string, samples: number[]): string {
  return `    ${pad(label, LABEL)} median ${pad(ms(median(samples)), 11)} p90 ${ms(percentile(samples, 90))}`;
}

export function line(label: string, value: string): string {
  return `    ${pad(label, LABEL)} ${value}`;
}

export function target(name: string, value: string, goal: string, met: boolean): void {
  console.log(`  target ${name}: ${value} (target ${goal}) ${met ? 'MET' : 'MISSED'}`);
}

export async function timeAsync(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

export function time(fn: () => unknown): number {
  const t = performance.now();
  fn();
  return performance.now() - t;
}

/**
 * What this process has written, from Linux's /proc/self/io: `wchar` counts the bytes handed to
 * write calls, `writeBytes` the bytes it made the kernel send to the disk (pages it dirtied,
 * counted when dirtied, so a write that is then synced is counted once). Null elsewhere.
 */
export function processIo(): { wchar: number; writeBytes: number } | null {
  try {
    const text = fs.readFileSync('/proc/self/io', 'utf8');
    const field = (name: string) => Number(new RegExp(`^${name}: (\\d+)$`, 'm').exec(text)?.[1] ?? NaN);
    return { wchar: field('wchar'), writeBytes: field('write_bytes') };
  } catch {
    return null;
  }
}

/** The load average, as the bench prints it beside its figures. */
export function loadAverage(): string {
  return os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
}
