/** The part of the `smpp` package (CommonJS, untyped) that Relais uses: its PDU encoder. */
declare module 'smpp' {
  class PDU {
    constructor(command: string, options?: Record<string, unknown>);
    toBuffer(): Buffer;
  }
  const smpp: { PDU: typeof PDU };
  export default smpp;
}
