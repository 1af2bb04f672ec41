/** Bad input to the plotting commands: a folder that is not a run, a metric a run lacks. */
export class PlotInputError extends Error {
  constructor(
    readonly path: string,
    detail: string,
  ) {
    super(`${path}: ${detail}`);
    this.name = 'PlotInputError';
  }
}
