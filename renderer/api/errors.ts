/** An Error that keeps the engine's stable code, so screens can suggest a next step. */
export class ApiCallError extends Error {
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.name = 'ApiCallError';
    this.code = code;
  }
}
