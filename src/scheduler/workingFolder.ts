// A job's working folder: whether it is there. The executor fails a run whose folder is gone
// before any phase; Create Job, Edit Job and the Jobs tree check the same way.
import fs from 'node:fs';

/** Whether `folder` exists and is a folder. */
export function isDirectory(folder: string): boolean {
  try {
    return fs.statSync(folder).isDirectory();
  } catch {
    return false;
  }
}
