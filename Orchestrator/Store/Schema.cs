namespace ActiveLearning.Orchestrator.Store;

/// <summary>The store's schema as numbered migrations; <c>PRAGMA user_version</c> holds the last one applied.</summary>
/// <remarks>Migrations are only ever appended: a released one never changes, so every database can be brought forward.</remarks>
internal static class Schema
{
    public static readonly IReadOnlyList<string> Migrations =
    [
        // 1: the first schema.
        """
        CREATE TABLE campaign (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            name TEXT NOT NULL,
            file_path TEXT NOT NULL,
            definition TEXT NOT NULL,
            definition_hash TEXT NOT NULL,
            state TEXT NOT NULL,
            stop_reason TEXT,
            created TEXT NOT NULL,
            updated TEXT NOT NULL);
        CREATE TABLE iterations (
            number INTEGER PRIMARY KEY,
            state TEXT NOT NULL,
            started TEXT NOT NULL,
            finished TEXT,
            added INTEGER);
        CREATE TABLE step_runs (
            id INTEGER PRIMARY KEY,
            iteration INTEGER NOT NULL REFERENCES iterations(number),
            step_index INTEGER NOT NULL,
            step_path TEXT NOT NULL,
            keyword TEXT NOT NULL,
            params_hash TEXT NOT NULL,
            state TEXT NOT NULL,
            attempt INTEGER NOT NULL,
            started TEXT NOT NULL,
            finished TEXT,
            heartbeat TEXT NOT NULL,
            summary TEXT,
            error TEXT,
            UNIQUE (iteration, step_index));
        CREATE TABLE structures (
            id INTEGER PRIMARY KEY,
            hash TEXT NOT NULL UNIQUE,
            iteration INTEGER NOT NULL,
            step_run INTEGER NOT NULL REFERENCES step_runs(id),
            source TEXT NOT NULL,
            parameters TEXT,
            parent TEXT,
            walker INTEGER,
            temperature REAL,
            md_step INTEGER,
            grade REAL,
            reason TEXT NOT NULL,
            formula TEXT NOT NULL,
            atoms INTEGER NOT NULL,
            geometry BLOB NOT NULL);
        CREATE INDEX structures_by_iteration ON structures(iteration);
        CREATE TABLE rejections (
            id INTEGER PRIMARY KEY,
            iteration INTEGER NOT NULL,
            step_run INTEGER NOT NULL REFERENCES step_runs(id),
            hash TEXT NOT NULL,
            duplicate_of INTEGER REFERENCES structures(id),
            source TEXT NOT NULL,
            parameters TEXT,
            parent TEXT,
            reason TEXT NOT NULL);
        CREATE INDEX rejections_by_iteration ON rejections(iteration);
        CREATE TABLE labels (
            id INTEGER PRIMARY KEY,
            structure INTEGER NOT NULL REFERENCES structures(id),
            method TEXT NOT NULL,
            settings_hash TEXT NOT NULL,
            version TEXT,
            job_id TEXT,
            work_dir TEXT,
            attempts INTEGER NOT NULL,
            corrections TEXT,
            status TEXT NOT NULL CHECK (status IN ('ok', 'failed')),
            failure_reason TEXT,
            energy REAL,
            free_energy REAL,
            forces BLOB,
            stress BLOB,
            iteration INTEGER NOT NULL,
            step_run INTEGER NOT NULL REFERENCES step_runs(id),
            labelled TEXT NOT NULL,
            UNIQUE (structure, method, settings_hash));
        CREATE INDEX labels_by_iteration ON labels(iteration);
        CREATE TABLE jobs (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            scheduler TEXT NOT NULL,
            remote_id TEXT,
            work_dir TEXT,
            state TEXT NOT NULL,
            tries INTEGER NOT NULL,
            last_error TEXT,
            step_run INTEGER REFERENCES step_runs(id),
            updated TEXT NOT NULL);
        CREATE INDEX jobs_by_state ON jobs(state);
        CREATE TABLE models (
            id INTEGER PRIMARY KEY,
            iteration INTEGER NOT NULL,
            step_run INTEGER NOT NULL UNIQUE REFERENCES step_runs(id),
            path TEXT NOT NULL,
            hash TEXT NOT NULL,
            dataset_hash TEXT NOT NULL,
            structures INTEGER NOT NULL,
            metrics TEXT NOT NULL,
            created TEXT NOT NULL);
        CREATE TABLE events (
            id INTEGER PRIMARY KEY,
            time TEXT NOT NULL,
            iteration INTEGER,
            step_run INTEGER,
            kind TEXT NOT NULL,
            structure INTEGER,
            message TEXT NOT NULL);
        CREATE INDEX events_by_kind ON events(kind);
        CREATE TRIGGER events_are_append_only_update BEFORE UPDATE ON events BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
        CREATE TRIGGER events_are_append_only_delete BEFORE DELETE ON events BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
        """,

        // 2: validation errors of the model in use, one row per validate step.
        """
        CREATE TABLE validations (
            id INTEGER PRIMARY KEY,
            iteration INTEGER NOT NULL,
            step_run INTEGER NOT NULL UNIQUE REFERENCES step_runs(id),
            model_hash TEXT NOT NULL,
            structures INTEGER NOT NULL,
            energy_rmse REAL,
            force_rmse REAL,
            survival REAL,
            metrics TEXT NOT NULL,
            created TEXT NOT NULL);
        """,

        // 3: explore checkpoints (one row per finished walker, with the γ of its candidates) and survival counts.
        """
        CREATE TABLE walker_runs (
            id INTEGER PRIMARY KEY,
            iteration INTEGER NOT NULL,
            step_run INTEGER NOT NULL REFERENCES step_runs(id),
            walker INTEGER NOT NULL,
            settings_hash TEXT NOT NULL,
            stop_reason TEXT NOT NULL,
            steps_done INTEGER NOT NULL,
            max_gamma REAL,
            candidates INTEGER NOT NULL,
            candidates_path TEXT,
            summary TEXT NOT NULL,
            created TEXT NOT NULL,
            UNIQUE (step_run, walker));
        CREATE TABLE candidate_grades (
            id INTEGER PRIMARY KEY,
            walker_run INTEGER NOT NULL REFERENCES walker_runs(id) ON DELETE CASCADE,
            iteration INTEGER NOT NULL,
            walker INTEGER NOT NULL,
            md_step INTEGER NOT NULL,
            target_temperature REAL NOT NULL,
            temperature REAL,
            gamma REAL NOT NULL);
        CREATE INDEX candidate_grades_by_iteration ON candidate_grades(iteration);
        ALTER TABLE validations ADD COLUMN survival_runs INTEGER;
        ALTER TABLE validations ADD COLUMN survived INTEGER;
        """,

        // 4: one jobs row per labelling task (a structure's attempt with a code through a scheduler), written from the task's
        // state changes; the columns of 1 keep their meaning (name = the task's name, remote_id = the batch job's id).
        """
        ALTER TABLE jobs ADD COLUMN structure INTEGER REFERENCES structures(id);
        ALTER TABLE jobs ADD COLUMN method TEXT;
        ALTER TABLE jobs ADD COLUMN settings_hash TEXT;
        ALTER TABLE jobs ADD COLUMN attempt INTEGER;
        ALTER TABLE jobs ADD COLUMN created TEXT;
        ALTER TABLE jobs ADD COLUMN submitted TEXT;
        ALTER TABLE jobs ADD COLUMN started TEXT;
        ALTER TABLE jobs ADD COLUMN finished TEXT;
        CREATE INDEX jobs_by_structure ON jobs(structure);
        """,

        // 5: phonon frequency errors of the model in use against the teacher (THz), when the validate step compares phonons.
        """
        ALTER TABLE validations ADD COLUMN phonon_rmse REAL;
        ALTER TABLE validations ADD COLUMN phonon_max_error REAL;
        """,

        // 6: the final steps run as one more iteration after a stop rule held; it keeps the rule's reason, so a resume
        // finishes that iteration instead of judging the stop rules again against its own results.
        """
        ALTER TABLE iterations ADD COLUMN stop_reason TEXT;
        """,
    ];

    public static int Version => Migrations.Count;
}
