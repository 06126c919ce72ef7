/** The parts of webvtt-parser (W3C's reference parser) the tests read. */
declare module 'webvtt-parser' {
  export interface VttNode {
    type: 'object' | 'text' | 'timestamp';
    name?: string;
    value?: string;
    children?: VttNode[];
  }
  export interface VttCue {
    id: string;
    startTime: number;
    endTime: number;
    text: string;
    tree: { children: VttNode[] };
  }
  class WebVTTParser {
    parse(
      input: string,
      mode?: 'metadata' | 'chapters',
    ): {
      cues: VttCue[];
      errors: Array<{ message: string; line: number }>;
    };
  }
  const webvtt: { WebVTTParser: typeof WebVTTParser };
  export default webvtt;
}
