// Which Python interpreter starts the server. Pure: no `vscode` import, so it is unit-tested in node.
//
// Order: the interpreter selected in the Python extension, then python3 (and versioned names) on PATH.
// A candidate must be 3.11+ and, in an untrusted workspace, must not live inside the workspace (a
// folder's own .venv could be anything). The bundled server runs on whichever interpreter wins.

import * as path from 'path';

export const MIN_PYTHON: PythonVersion = { major: 3, minor: 11 };
export const PATH_NAMES = ['python3', 'python3.14', 'python3.13', 'python3.12', 'python3.11', 'python'];

export interface PythonVersion {
    major: number;
    minor: number;
}

export interface Candidate {
    executable: string;
    source: string; // for the output channel: "the Python extension", "PATH"
    version?: PythonVersion; // when the source already knows it
}

export interface Choice {
    executable: string;
    source: string;
    version: PythonVersion;
}

/** Everything the choice depends on, injected so the tests need no VS Code and no Python. */
export interface Environment {
    trusted: boolean;
    workspaceFolders: string[];
    versionOf(executable: string): Promise<PythonVersion | undefined>;
}

/** `Python 3.11.7` (from `python --version`) -> {3, 11}. */
export function parseVersion(text: string): PythonVersion | undefined {
    const match = /Python (\d+)\.(\d+)/.exec(text);
    return match ? { major: Number(match[1]), minor: Number(match[2]) } : undefined;
}

export function supported(version: PythonVersion): boolean {
    return version.major > MIN_PYTHON.major || (version.major === MIN_PYTHON.major && version.minor >= MIN_PYTHON.minor);
}

export function formatVersion(version: PythonVersion): string {
    return `${version.major}.${version.minor}`;
}

/** True when `executable` lies inside one of the folders (symlinks are not followed: the path as configured). */
export function insideFolders(executable: string, folders: string[]): boolean {
    if (!path.isAbsolute(executable)) {
        return false; // a bare name is looked up on PATH
    }
    return folders.some((folder) => {
        const relative = path.relative(folder, executable);
        return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
    });
}

/** Executables named `names` in the absolute directories of `pathVariable`, in PATH order. */
export function pathCandidates(
    pathVariable: string,
    isExecutable: (file: string) => boolean,
    names: string[] = PATH_NAMES,
): Candidate[] {
    const found: Candidate[] = [];
    for (const name of names) {
        for (const dir of pathVariable.split(path.delimiter)) {
            // a relative PATH entry would resolve inside the opened folder
            const file = dir && path.isAbsolute(dir) ? path.join(dir, name) : undefined;
            if (file !== undefined && isExecutable(file)) {
                found.push({ executable: file, source: 'PATH' });
                break; // the first on PATH is what a shell would run
            }
        }
    }
    return found;
}

/**
 * The first usable candidate, and one line per skipped candidate (for the output channel).
 * `choice` is undefined when none is usable; `skipped` then says why.
 */
export async function choosePython(
    candidates: Candidate[],
    env: Environment,
): Promise<{ choice?: Choice; skipped: string[] }> {
    const skipped: string[] = [];
    for (const candidate of candidates) {
        const where = `${candidate.executable} (${candidate.source})`;
        if (!env.trusted && insideFolders(candidate.executable, env.workspaceFolders)) {
            skipped.push(`${where}: inside the untrusted workspace`);
            continue;
        }
        const version = candidate.version ?? (await env.versionOf(candidate.executable));
        if (version === undefined) {
            skipped.push(`${where}: did not run`);
        } else if (!supported(version)) {
            skipped.push(`${where}: Python ${formatVersion(version)} is older than ${formatVersion(MIN_PYTHON)}`);
        } else {
            return { choice: { executable: candidate.executable, source: candidate.source, version }, skipped };
        }
    }
    return { skipped };
}

/** Caches `probe` per executable and file time, so a restart does not run every interpreter again. */
export function cachedVersions(
    probe: (executable: string) => Promise<PythonVersion | undefined>,
    stamp: (executable: string) => string,
): (executable: string) => Promise<PythonVersion | undefined> {
    const cache = new Map<string, Promise<PythonVersion | undefined>>();
    return (executable) => {
        const key = `${executable}\0${stamp(executable)}`;
        let known = cache.get(key);
        if (known === undefined) {
            known = probe(executable);
            cache.set(key, known);
        }
        return known;
    };
}
