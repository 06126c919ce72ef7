import { describe, expect, it, vi } from 'vitest';
import { MicrophoneError, micConstraints, micProblemOf, openMicrophone } from './microphone';

const domError = (name: string) => Object.assign(new Error(name), { name });

describe('the microphone', () => {
  it('says what went wrong and how to fix it, for each way getUserMedia fails', () => {
    expect(micProblemOf(domError('NotAllowedError'))).toMatchObject({ kind: 'denied' });
    expect(micProblemOf(domError('NotAllowedError')).message).toMatch(/allow the microphone/);
    expect(micProblemOf(domError('NotFoundError'))).toMatchObject({ kind: 'missing' });
    expect(micProblemOf(domError('NotFoundError')).message).toMatch(/Plug one in/);
    expect(micProblemOf(domError('NotReadableError'))).toMatchObject({ kind: 'busy' });
    expect(micProblemOf(new Error('weird'))).toMatchObject({ kind: 'unknown' });
  });

  it('keeps voice processing on for people and turns it off for tones', () => {
    expect(micConstraints(true).audio).toMatchObject({
      echoCancellation: true,
      noiseSuppression: true,
      autoGainControl: true,
    });
    expect(micConstraints(false).audio).toMatchObject({
      echoCancellation: false,
      noiseSuppression: false,
      autoGainControl: false,
    });
  });

  it('explains an insecure page (no mediaDevices) and a refused permission', async () => {
    await expect(openMicrophone(true, undefined)).rejects.toMatchObject({
      problem: { kind: 'insecure' },
    });
    const getUserMedia = vi.fn().mockRejectedValue(domError('NotAllowedError'));
    const failure = await openMicrophone(false, { getUserMedia }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(MicrophoneError);
    expect((failure as MicrophoneError).problem.kind).toBe('denied');
    expect(getUserMedia).toHaveBeenCalledWith(micConstraints(false));
  });
});
