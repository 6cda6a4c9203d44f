// What the server is told: the settings object and the command that starts it. Pure: no `vscode`
// import. The extension reads VS Code's configuration through `Read` and passes the trust state.

export const SECTION = 'keraslens';

/** Reads one key of the `keraslens` section, with its default. */
export type Read = <T>(key: string, fallback: T) => T;

/** The settings object sent to the server (initializationOptions and didChangeConfiguration). */
export function serverSettings(read: Read, trusted: boolean): Record<string, unknown> {
    return sanitize(
        {
            kerasVersion: read('kerasVersion', 'auto'),
            select: read<string[]>('select', []),
            ignore: read<string[]>('ignore', []),
            exclude: read<string[]>('exclude', []),
            unsafeFixes: read('unsafeFixes', false),
            inlayHints: read('inlayHints', true),
            codeLens: read('codeLens', true),
            probe: { enabled: read('probe.enabled', false) },
        },
        trusted,
    );
}

/**
 * A `keraslens` section as the server may see it: client-only keys dropped, `trusted` added,
 * and the probe (which runs the project's code) off unless the workspace is trusted.
 */
export function sanitize(value: unknown, trusted: boolean): Record<string, unknown> {
    const settings: Record<string, unknown> = isObject(value) ? { ...value } : {};
    delete settings.server;
    delete settings.trace;
    const probe = settings.probe;
    settings.probe = { enabled: trusted && isObject(probe) && probe.enabled === true };
    settings.trusted = trusted;
    return settings;
}

/** Answers to workspace/configuration: ours are sanitized (per folder: each item has its scopeUri). */
export function sanitizeAnswers(sections: (string | undefined)[], answers: unknown[], trusted: boolean): unknown[] {
    return answers.map((answer, index) => (sections[index] === SECTION ? sanitize(answer, trusted) : answer));
}

export interface Places {
    workspaceFolder: string;
    home: string;
}

export function expandVariables(value: string, places: Places): string {
    return value
        .replace(/\$\{workspaceFolder\}/g, places.workspaceFolder)
        .replace(/\$\{userHome\}/g, places.home)
        .replace(/^~(?=$|[\\/])/, places.home);
}

/** `keraslens.server.path` as a command line; a lone `keraslens` executable gets `serve`. Empty: none set. */
export function configuredCommand(parts: unknown[], places: Places): string[] {
    const command = parts
        .filter((part): part is string => typeof part === 'string' && part.length > 0)
        .map((part) => expandVariables(part, places));
    if (command.length === 1 && /^keraslens(\.exe)?$/i.test(command[0].split(/[\\/]/).pop() ?? '')) {
        command.push('serve');
    }
    return command;
}

function isObject(value: unknown): value is Record<string, unknown> {
    return value !== null && typeof value === 'object' && !Array.isArray(value);
}
