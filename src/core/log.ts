// How the layers below VS Code report what they did: a line and its level. The extension writes it
// to its log channel at that level (failures as warnings or errors, never as info), the CLI to
// stderr.

export type LogLevel = 'info' | 'warn' | 'error';

/** A log line; without a level it is information. */
export type LogFn = (message: string, level?: LogLevel) => void;
