-- The SQLite functions the tests' own SQL uses to look behind axond's back,
-- for the test databases on PostgreSQL (AXON_TEST_DATABASE=postgresql) only:
-- axond never uses them (its SQL is translated in src/store/pg_sql.c).
-- A SQLite JSON path ('$.a[0].b') as PostgreSQL's text array ({a,0,b}).
CREATE FUNCTION json_path(path text) RETURNS text[] LANGUAGE sql IMMUTABLE
	AS $$ SELECT string_to_array(trim(LEADING '.' FROM regexp_replace(substr(path, 2), '\[(\d+)\]', '.\1', 'g')), '.') $$;
CREATE FUNCTION instr(haystack text, needle text) RETURNS bigint LANGUAGE sql IMMUTABLE
	AS $$ SELECT strpos(haystack, needle) $$;
-- A JSON value as SQLite's json_extract gives it: true as 1, objects and
-- arrays as the text stored (json, unlike jsonb, keeps it as it was).
CREATE FUNCTION json_sqlite(v json) RETURNS text LANGUAGE sql IMMUTABLE
	AS $$ SELECT CASE json_typeof(v) WHEN 'boolean' THEN CASE WHEN v::text = 'true' THEN '1' ELSE '0' END
		WHEN 'object' THEN v::text WHEN 'array' THEN v::text ELSE v #>> '{}' END $$;
CREATE FUNCTION json_extract(doc text, path text) RETURNS text LANGUAGE sql IMMUTABLE
	AS $$ SELECT json_sqlite(doc::json #> json_path(path)) $$;
CREATE FUNCTION json_type(doc text, path text) RETURNS text LANGUAGE sql IMMUTABLE
	AS $$ SELECT json_typeof(doc::json #> json_path(path)) $$;
CREATE FUNCTION json_array_length(doc text, path text) RETURNS bigint LANGUAGE sql IMMUTABLE
	AS $$ SELECT json_array_length(doc::json #> json_path(path)) $$;
CREATE FUNCTION json_set(doc text, path text, value text) RETURNS text LANGUAGE sql IMMUTABLE
	AS $$ SELECT jsonb_set(doc::jsonb, json_path(path), to_jsonb(value))::text $$;
-- SQLite's case-blind comparison (ICU: equal when only the case differs).
CREATE COLLATION nocase (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
CREATE FUNCTION strftime(format text, at text) RETURNS bigint LANGUAGE sql STABLE
	AS $$ SELECT extract(epoch FROM now())::bigint $$;
CREATE FUNCTION group_concat_step(acc text, value text, sep text) RETURNS text LANGUAGE sql IMMUTABLE
	AS $$ SELECT CASE WHEN value IS NULL THEN acc WHEN acc IS NULL THEN value ELSE acc || sep || value END $$;
CREATE FUNCTION group_concat_step(acc text, value text) RETURNS text LANGUAGE sql IMMUTABLE
	AS $$ SELECT group_concat_step(acc, value, ',') $$;
CREATE FUNCTION group_concat_step(acc text, value bigint) RETURNS text LANGUAGE sql IMMUTABLE
	AS $$ SELECT group_concat_step(acc, value::text, ',') $$;
CREATE AGGREGATE group_concat(text, text) (SFUNC = group_concat_step, STYPE = text);
CREATE AGGREGATE group_concat(text) (SFUNC = group_concat_step, STYPE = text);
CREATE AGGREGATE group_concat(bigint) (SFUNC = group_concat_step, STYPE = text);
CREATE FUNCTION sum_step(acc bigint, value boolean) RETURNS bigint LANGUAGE sql IMMUTABLE
	AS $$ SELECT coalesce(acc, 0) + CASE WHEN value THEN 1 ELSE 0 END $$;
CREATE AGGREGATE sum(boolean) (SFUNC = sum_step, STYPE = bigint);
