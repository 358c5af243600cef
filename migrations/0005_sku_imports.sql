-- Large CSV files arrive in parts (so a phone on patchy 4G can show progress and
-- retry one part, not the whole file). Parts are checked and staged here; the
-- import's last call moves all staged rows into skus in one transaction, or
-- nothing if any part had a problem.

CREATE TABLE sku_imports (
    id              BIGSERIAL PRIMARY KEY,
    manufacturer_id BIGINT NOT NULL REFERENCES organisations (id),
    created_by      BIGINT NOT NULL REFERENCES users (id),
    -- Physical lines below the header: the parts must tile lines 2 .. lines + 1.
    lines           INT NOT NULL CHECK (lines BETWEEN 1 AND 10000000),
    state           TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'done')),
    imported        INT,
    updated         INT,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX sku_imports_org_idx ON sku_imports (manufacturer_id, created_at);

CREATE TABLE sku_import_parts (
    import_id  BIGINT NOT NULL REFERENCES sku_imports (id) ON DELETE CASCADE,
    first_line INT NOT NULL CHECK (first_line >= 2),
    lines      INT NOT NULL CHECK (lines >= 1),
    records    INT NOT NULL,
    errors     JSONB NOT NULL DEFAULT '[]',
    PRIMARY KEY (import_id, first_line)
);

CREATE TABLE sku_import_rows (
    import_id   BIGINT NOT NULL,
    first_line  INT NOT NULL,
    line        INT NOT NULL,
    code        TEXT NOT NULL,
    name        TEXT NOT NULL,
    brand       TEXT NOT NULL,
    category_id BIGINT NOT NULL,
    hsn         TEXT NOT NULL,
    mrp_paise   BIGINT NOT NULL,
    unit        TEXT NOT NULL,
    pack_size   INT NOT NULL,
    search_text TEXT NOT NULL,
    PRIMARY KEY (import_id, line),
    FOREIGN KEY (import_id, first_line) REFERENCES sku_import_parts (import_id, first_line) ON DELETE CASCADE
);
