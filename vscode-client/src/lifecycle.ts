// Start/stop/restart of the server, one step at a time. Pure: no `vscode` import.

export interface Running {
    stop(): Promise<void>;
}

/**
 * Steps run in order, so two quick triggers (a setting change and an interpreter change) never
 * leave two servers running. A failing step is reported and the next one still runs.
 */
export class Lifecycle {
    private queue: Promise<void> = Promise.resolve();
    private running: Running | undefined;

    constructor(
        private readonly start: (reason: string) => Promise<Running | undefined>,
        private readonly report: (message: string) => void,
    ) {}

    restart(reason: string): Promise<void> {
        return this.enqueue(async () => {
            await this.stopRunning();
            this.running = await this.start(reason);
        });
    }

    stop(): Promise<void> {
        return this.enqueue(() => this.stopRunning());
    }

    private async stopRunning(): Promise<void> {
        const old = this.running;
        this.running = undefined;
        await old?.stop();
    }

    private enqueue(step: () => Promise<void>): Promise<void> {
        this.queue = this.queue.then(step).catch((error: unknown) => {
            this.report(error instanceof Error ? error.message : String(error));
        });
        return this.queue;
    }
}
