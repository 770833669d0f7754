-- Reference data: the nine areas of the partnership (ONS local authority district codes).
-- Production needs these rows, so they ship as a migration rather than in the dev seed.
INSERT INTO "districts" ("code", "name") VALUES
    ('E07000192', 'Cannock Chase'),
    ('E07000193', 'East Staffordshire'),
    ('E07000194', 'Lichfield'),
    ('E07000195', 'Newcastle-under-Lyme'),
    ('E07000196', 'South Staffordshire'),
    ('E07000197', 'Stafford'),
    ('E07000198', 'Staffordshire Moorlands'),
    ('E07000199', 'Tamworth'),
    ('E06000021', 'Stoke-on-Trent');
