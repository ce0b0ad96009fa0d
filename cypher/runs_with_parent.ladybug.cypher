// Every run with a parent: the one-off upgrade of a store written before PARENT links (layout 4).
MATCH (c:Run)
WHERE c.parent IS NOT NULL
RETURN c.uid AS run, c.parent AS parent
