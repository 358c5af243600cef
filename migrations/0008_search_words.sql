-- Catalog search by words (see orders::service::browse).
--
-- The trigram GiST index answered a search by walking SKUs closest-first. That is
-- fast only while the best matches are at distance zero; a misspelt word
-- ("mattres") or words that never stand side by side ("oil paste") made it walk
-- most of the index: 100-500 ms at 1,000,000 SKUs. Now each query word is first
-- matched against the catalog's vocabulary (exact, as the start of a word, or
-- the nearest spellings), and SKUs are found through an inverted index of their
-- words, every query word required.

-- The one tokenizer, for SKUs and queries alike: lower case, split on white space
-- and ASCII punctuation (so "Parle-G (800g)" gives parle, g, 800g). Letters of
-- other scripts (Devanagari) stay inside their words.
CREATE FUNCTION search_words(t TEXT) RETURNS TEXT[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT array_remove(string_to_array(
               translate(lower(t), E'!"#$%&''()*+,-./:;<=>?@[\\]^_`{|}~\t\n\r', repeat(' ', 35)), ' '), '')
$$;

ALTER TABLE skus ADD COLUMN search_words TEXT[] GENERATED ALWAYS AS (search_words(search_text)) STORED;
CREATE INDEX skus_search_words_idx ON skus USING gin (search_words);
DROP INDEX skus_search_trgm_idx;

-- Every word any SKU has used (words of retired SKUs stay: a correction to one
-- merely finds nothing). Byte order (C) so a prefix is an index range.
CREATE TABLE search_vocab (
    word TEXT COLLATE "C" PRIMARY KEY
);
CREATE INDEX search_vocab_trgm_idx ON search_vocab USING gin (word gin_trgm_ops);

CREATE FUNCTION search_vocab_add() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO search_vocab (word)
    SELECT DISTINCT w FROM new_rows, unnest(new_rows.search_words) AS w
     ORDER BY 1  -- the same order in every transaction: concurrent imports never deadlock
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END
$$;
CREATE TRIGGER skus_vocab_insert AFTER INSERT ON skus
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION search_vocab_add();
CREATE TRIGGER skus_vocab_update AFTER UPDATE ON skus
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION search_vocab_add();

INSERT INTO search_vocab (word) SELECT DISTINCT unnest(search_words) FROM skus ON CONFLICT DO NOTHING;
