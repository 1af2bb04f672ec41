/**
 * Errors at the edges of a live deployment. A `LiveConfigError` is the operator's mistake (a bad
 * argument, peers file or matrix): the CLI prints it and exits 2. A `DatagramTooLargeError` is a
 * protocol's bug (a message that cannot cross UDP even in FRAGMENTS_MAX fragments): it is thrown at `send`.
 */
export class LiveConfigError extends Error {
  constructor(
    readonly source: string,
    readonly field: string,
    readonly expected: string,
    readonly found?: string,
  ) {
    super(`${source}: ${field}: expected ${expected}${found === undefined ? '' : `, found ${found}`}`);
    this.name = 'LiveConfigError';
  }
}

export class DatagramTooLargeError extends Error {
  constructor(
    readonly protocolName: string,
    readonly messageType: string,
    readonly sizeBytes: number,
    readonly sizeBytesMax: number,
    readonly fragmentsMax: number,
    readonly datagramBytesMax: number,
  ) {
    super(
      `${protocolName} message '${messageType}' encodes to ${sizeBytes} bytes, more than ${fragmentsMax} fragments ` +
        `of ${datagramBytesMax}-byte UDP datagrams carry (${sizeBytesMax} bytes): split it or shrink it`,
    );
    this.name = 'DatagramTooLargeError';
  }
}
