/** The part of the `smpp` package (CommonJS, untyped) the codec tests compare Relais's encoder with: its PDU encoder. */
declare module 'smpp' {
  class PDU {
    constructor(command: string, options?: Record<string, unknown>);
    toBuffer(): Buffer;
  }
  const smpp: { PDU: typeof PDU };
  export default smpp;
}
