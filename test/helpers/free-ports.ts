// Ports for servers a test spawns as processes, which must be told their ports up front. Picked below
// Linux's ephemeral range (32768 and up), where the kernel hands out the local ports of outgoing
// connections, so a port that probes free is not taken a moment later by some client's connection; and
// probed, so it is not one another test's server already holds.
import * as net from 'node:net';

const LOW = 20_000;
const HIGH = 32_000; // the highest base + offset stays below 32768 for offsets up to 768
const ATTEMPTS = 50;

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

/** A base port such that base + each offset is free now (offsets default to just the base). */
export async function freePortBlock(offsets: readonly number[] = [0]): Promise<number> {
  const span = Math.max(...offsets);
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const base = LOW + Math.floor(Math.random() * (HIGH - LOW - span));
    let free = true;
    for (const offset of offsets) {
      if (!(await bindable(base + offset))) {
        free = false;
        break;
      }
    }
    if (free) return base;
  }
  throw new Error(`no free block of ports at offsets ${offsets.join(', ')} after ${ATTEMPTS} tries`);
}
