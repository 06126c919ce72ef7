/**
 * An audio failure the app itself notices (not the server's), with a stable
 * code so that the panel says it in the person's language (the `errors`
 * namespace); the English sentence stays for logs and as the fallback.
 */
export class AudioFailure extends Error {
  override readonly name = 'AudioFailure';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** What the panel shows of the last failure: a code to translate, the English words. */
export interface AudioErrorInfo {
  code?: string;
  message: string;
}
