/** A writable stream for tests of output: keeps what is written, and may claim to be a terminal. */
import { Writable } from 'node:stream';

/** A stream that keeps what is written, as a terminal (`isTTY`) or not. */
export class Sink extends Writable {
  text = '';
  constructor(readonly isTTY: boolean) {
    super();
  }
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}
