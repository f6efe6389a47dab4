import { closeSync, mkdirSync, openSync, rmSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';

const LOCK_STALE_MS = 10_000;

/**
 * Runs `action` holding <dir>/.lock. Several processes (parallel Cucumber workers, load shards, the mocks)
 * append to the same audit files, and each append chains onto the line before: without the lock two writers
 * chain onto the same line and the trail no longer verifies. The lock is held for one append or one digest,
 * so waiting is a short spin; a lock left by a process that died is broken after LOCK_STALE_MS.
 */
export function withDirLock<T>(dir: string, action: () => T): T {
  mkdirSync(dir, { recursive: true });
  const lock = join(dir, '.lock');
  const deadline = Date.now() + 2 * LOCK_STALE_MS;
  for (;;) {
    try {
      closeSync(openSync(lock, 'wx'));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      try {
        if (Date.now() - statSync(lock).mtimeMs > LOCK_STALE_MS) unlinkSync(lock);
      } catch {
        // Released in the meantime.
      }
      if (Date.now() > deadline) throw new Error(`${lock} is held for over ${(2 * LOCK_STALE_MS) / 1000} s: remove it if no run is writing the audit trail`);
    }
  }
  try {
    return action();
  } finally {
    rmSync(lock, { force: true });
  }
}
