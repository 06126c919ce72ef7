/**
 * The speech publisher's old name, for bench/captions (being changed
 * elsewhere) until it takes Publisher (publisher.ts): `inVideoRoom` without a
 * frequency, or `through` with a sendonly m-line.
 */
import { Publisher, type Signaling } from './publisher.js';

export type SpeechPublisher = Publisher;
export const SpeechPublisher = {
  publish: (options: Parameters<typeof Publisher.inVideoRoom>[0]) => Publisher.inVideoRoom(options),
  negotiate: (signaling: Signaling, closing?: () => Promise<void>) =>
    Publisher.through(signaling, { m: 'sendonly', ...(closing ? { closing } : {}) }),
};
