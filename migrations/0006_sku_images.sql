-- Product photos: the server re-encodes what a manufacturer uploads into two
-- small JPEGs (a list thumbnail and a detail picture), kept apart from the SKU
-- row so catalog queries never read image bytes. `skus.image_version` is 0 for
-- no photo; it changes with every upload, so image URLs can be cached forever.

ALTER TABLE skus
    DROP COLUMN image,
    DROP COLUMN image_type,
    ADD COLUMN image_version INT NOT NULL DEFAULT 0;

CREATE TABLE sku_images (
    sku_id     BIGINT PRIMARY KEY REFERENCES skus (id) ON DELETE CASCADE,
    version    INT NOT NULL CHECK (version > 0),
    thumb      BYTEA NOT NULL CHECK (length(thumb) <= 65536),
    picture    BYTEA NOT NULL CHECK (length(picture) <= 524288),
    width      INT NOT NULL,
    height     INT NOT NULL,
    updated_by BIGINT NOT NULL REFERENCES users (id),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
