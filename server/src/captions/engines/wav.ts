/**
 * 16-bit PCM WAV, the one audio format every engine reads: pocketsphinx
 * takes it on stdin, Whisper-compatible servers as the multipart `file`.
 * Pure: writing and reading a header, so the tests' server can check what
 * the engine sent.
 */
export const CAPTION_SAMPLE_RATE = 16_000;

/** A mono s16le WAV file of `pcm` at `sampleRate`. */
export function encodeWav(pcm: Int16Array, sampleRate = CAPTION_SAMPLE_RATE): Buffer {
  const data = Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16); // PCM fmt chunk size
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * 2, 28); // byte rate
  header.writeUInt16LE(2, 32); // block align
  header.writeUInt16LE(16, 34); // bits per sample
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}

export interface WavInfo {
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  /** Samples per channel. */
  samples: number;
  durationMs: number;
  pcm: Int16Array;
}

/** Reads a PCM WAV (any chunk order); throws with a reason on anything else. */
export function parseWav(file: Buffer): WavInfo {
  if (file.length < 12 || file.toString('ascii', 0, 4) !== 'RIFF')
    throw new Error('not a RIFF file');
  if (file.toString('ascii', 8, 12) !== 'WAVE') throw new Error('not a WAVE file');
  let offset = 12;
  let fmt: { format: number; channels: number; sampleRate: number; bits: number } | null = null;
  while (offset + 8 <= file.length) {
    const id = file.toString('ascii', offset, offset + 4);
    const size = file.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (body + size > file.length) throw new Error(`chunk ${id} runs past the end`);
    if (id === 'fmt ') {
      if (size < 16) throw new Error('fmt chunk too short');
      fmt = {
        format: file.readUInt16LE(body),
        channels: file.readUInt16LE(body + 2),
        sampleRate: file.readUInt32LE(body + 4),
        bits: file.readUInt16LE(body + 14),
      };
    } else if (id === 'data') {
      if (!fmt) throw new Error('data before fmt');
      if (fmt.format !== 1 || fmt.bits !== 16) throw new Error('not 16-bit PCM');
      const bytes = file.subarray(body, body + size);
      const pcm = new Int16Array(
        bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + size - (size % 2)),
      );
      const samples = pcm.length / fmt.channels;
      return {
        sampleRate: fmt.sampleRate,
        channels: fmt.channels,
        bitsPerSample: fmt.bits,
        samples,
        durationMs: (samples / fmt.sampleRate) * 1000,
        pcm,
      };
    }
    offset = body + size + (size % 2);
  }
  throw new Error('no data chunk');
}
