import type * as vscode from 'vscode';
import type { LogFn } from '../core/log';

/** Log lines of one component, tagged so the shared "Night Pilot" channel stays readable. */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string, error?: unknown): void;
}

/** A logger writing `[component] message` lines into the one Night Pilot log channel. */
export function componentLogger(channel: vscode.LogOutputChannel, component: string): Logger {
  const tag = `[${component}]`;
  return {
    info: (message) => channel.info(`${tag} ${message}`),
    warn: (message) => channel.warn(`${tag} ${message}`),
    error: (message, error) => {
      // The stack helps a bug report; the message alone is what the user was shown.
      const detail = error instanceof Error && error.stack ? `\n${error.stack}` : '';
      channel.error(`${tag} ${message}${detail}`);
    },
  };
}

/** The scheduler's and the executor's log function, written at the level each line gives. */
export function levelledLog(log: Logger): LogFn {
  return (message, level = 'info') => {
    if (level === 'error') log.error(message);
    else if (level === 'warn') log.warn(message);
    else log.info(message);
  };
}
