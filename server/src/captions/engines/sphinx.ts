import koffi from 'koffi';

/** Debian's libpocketsphinx3 (and its libsphinxbase3), loaded by soname. */
export const POCKETSPHINX_LIBRARY = 'libpocketsphinx.so.3';
export const SPHINXBASE_LIBRARY = 'libsphinxbase.so.3';
/** Debian's pocketsphinx-en-us: acoustic model, language model and dictionary. */
export const POCKETSPHINX_MODEL_DIR = '/usr/share/pocketsphinx/model/en-us';

/** The C functions a streaming decoder needs (pocketsphinx.h, cmd_ln.h, err.h). */
function bind() {
  const base = koffi.load(SPHINXBASE_LIBRARY);
  const ps = koffi.load(POCKETSPHINX_LIBRARY);
  return {
    cmdLnParse: base.func(
      'void *cmd_ln_parse_r(void *inout, void *defn, int argc, const char **argv, int strict)',
    ),
    cmdLnFree: base.func('int cmd_ln_free_r(void *cmdln)'),
    errSetLogfp: base.func('void err_set_logfp(void *stream)'),
    psArgs: ps.func('void *ps_args()'),
    psInit: ps.func('void *ps_init(void *config)'),
    psStartUtt: ps.func('int ps_start_utt(void *ps)'),
    psProcessRaw: ps.func(
      'int ps_process_raw(void *ps, const int16_t *data, size_t n, int no_search, int full_utt)',
    ),
    psGetHyp: ps.func('const char *ps_get_hyp(void *ps, _Out_ int32_t *score)'),
    psEndUtt: ps.func('int ps_end_utt(void *ps)'),
    psFree: ps.func('int ps_free(void *ps)'),
  };
}

let api: ReturnType<typeof bind> | null = null;

/** Loads the libraries once (throws when they are not installed). */
export function sphinx(): ReturnType<typeof bind> {
  if (!api) {
    api = bind();
    // The library logs every step to stderr by default.
    api.errSetLogfp(null);
  }
  return api;
}

/**
 * One pocketsphinx decoder (one model load, ~0.4 s of CPU), reused for any
 * number of utterances: `start` resets its search, `push` decodes audio as
 * it comes, `hyp` is the best hypothesis so far (cheap), `end` finishes the
 * utterance and gives its final text.
 */
export class SphinxDecoder {
  private open = false;

  /**
   * Loads a decoder on a thread of its own (koffi's asynchronous call), so
   * the thread that decodes the other streams is not held for the load:
   * pocketsphinx keeps no shared state between decoders.
   */
  static load(modelDir = POCKETSPHINX_MODEL_DIR, sampleRate = 16_000): Promise<SphinxDecoder> {
    const c = sphinx();
    const argv = modelArgs(modelDir, sampleRate);
    const config = c.cmdLnParse(null, c.psArgs(), argv.length, argv, 1);
    if (!config) return Promise.reject(new Error('pocketsphinx: bad configuration'));
    return new Promise((resolve, reject) => {
      c.psInit.async(config, (error: unknown, ps: unknown) => {
        if (error || !ps) {
          c.cmdLnFree(config);
          reject(new Error(`pocketsphinx: the model in ${modelDir} did not load`));
        } else resolve(new SphinxDecoder(config, ps));
      });
    });
  }

  private constructor(
    private readonly config: unknown,
    private readonly ps: unknown,
  ) {}

  start(): void {
    if (this.open) sphinx().psEndUtt(this.ps);
    if (sphinx().psStartUtt(this.ps) < 0) throw new Error('pocketsphinx: ps_start_utt failed');
    this.open = true;
  }

  push(pcm: Int16Array): void {
    if (!this.open || pcm.length === 0) return;
    if (sphinx().psProcessRaw(this.ps, pcm, pcm.length, 0, 0) < 0)
      throw new Error('pocketsphinx: ps_process_raw failed');
  }

  hyp(): string {
    if (!this.open) return '';
    return clean(sphinx().psGetHyp(this.ps, [0]) as string | null);
  }

  end(): string {
    if (!this.open) return '';
    this.open = false;
    sphinx().psEndUtt(this.ps);
    return clean(sphinx().psGetHyp(this.ps, [0]) as string | null);
  }

  free(): void {
    sphinx().psFree(this.ps);
    sphinx().cmdLnFree(this.config);
  }
}

function modelArgs(modelDir: string, sampleRate: number): string[] {
  return [
    '-hmm',
    `${modelDir}/en-us`,
    '-lm',
    `${modelDir}/en-us.lm.bin`,
    '-dict',
    `${modelDir}/cmudict-en-us.dict`,
    '-samprate',
    String(sampleRate),
  ];
}

/** The hypothesis without fillers (`<sil>`, `[noise]`) and alternate-pronunciation marks. */
export function clean(hyp: string | null): string {
  return (hyp ?? '')
    .replace(/<[^>]*>|\[[^\]]*\]|\(\d+\)/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}
