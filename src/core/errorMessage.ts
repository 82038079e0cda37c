// The one way to turn whatever was thrown into the text a user or a log line shows.

/** The message of an error, whatever was thrown (an Error, a string, anything else). */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
