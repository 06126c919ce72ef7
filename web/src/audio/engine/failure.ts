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

/** The space ended or you were removed: nothing to retry. */
export function isFatalSpaceError(error: unknown): boolean {
  const code = (error as { code?: string } | null)?.code;
  return code === 'space_not_live' || code === 'removed_from_space';
}

/** A failure as the panel shows it. */
export function describeFailure(error: unknown): AudioErrorInfo {
  if (error instanceof Error && error.message) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? { code, message: error.message } : { message: error.message };
  }
  return { code: 'audio_failed', message: 'The audio connection failed.' };
}
