/** Runs async tasks one at a time, in the order they were queued; one failing stops none. */
export class TaskQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const run = this.tail.then(task, task);
    this.tail = run.catch(() => {});
    return run;
  }

  /** Settles once every task queued so far has. */
  async idle(): Promise<void> {
    await this.tail.catch(() => {});
  }
}
