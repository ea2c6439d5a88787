-- Tehran's 22 municipal districts: inbox delivery and the default office hours until
-- an administrator adds webhooks. ON CONFLICT keeps an edited row as it is.
INSERT INTO "districts" ("id", "name") VALUES
  (1, 'منطقه ۱'),
  (2, 'منطقه ۲'),
  (3, 'منطقه ۳'),
  (4, 'منطقه ۴'),
  (5, 'منطقه ۵'),
  (6, 'منطقه ۶'),
  (7, 'منطقه ۷'),
  (8, 'منطقه ۸'),
  (9, 'منطقه ۹'),
  (10, 'منطقه ۱۰'),
  (11, 'منطقه ۱۱'),
  (12, 'منطقه ۱۲'),
  (13, 'منطقه ۱۳'),
  (14, 'منطقه ۱۴'),
  (15, 'منطقه ۱۵'),
  (16, 'منطقه ۱۶'),
  (17, 'منطقه ۱۷'),
  (18, 'منطقه ۱۸'),
  (19, 'منطقه ۱۹'),
  (20, 'منطقه ۲۰'),
  (21, 'منطقه ۲۱'),
  (22, 'منطقه ۲۲')
ON CONFLICT ("id") DO NOTHING;
