-- The data version: a counter that every change to the figures' tables increments, by trigger, in the same
-- transaction as the change. Pages cache their aggregates keyed by this number and read it (one tiny query)
-- on every request, so a write is visible on the very next request — on this server and on every other app
-- server sharing the database — whatever path the write took (form, import, generator, SQL by hand).
-- SQLite has only row-level triggers; the PostgreSQL twin uses statement-level ones.
create table data_version (
    id      integer primary key check (id = 1),
    version integer not null
);
insert into data_version (id, version) values (1, 0);
create trigger training_events_insert_version after insert on training_events begin update data_version set version = version + 1 where id = 1; end;
create trigger training_events_update_version after update on training_events begin update data_version set version = version + 1 where id = 1; end;
create trigger training_events_delete_version after delete on training_events begin update data_version set version = version + 1 where id = 1; end;
create trigger training_participants_by_regency_insert_version after insert on training_participants_by_regency begin update data_version set version = version + 1 where id = 1; end;
create trigger training_participants_by_regency_update_version after update on training_participants_by_regency begin update data_version set version = version + 1 where id = 1; end;
create trigger training_participants_by_regency_delete_version after delete on training_participants_by_regency begin update data_version set version = version + 1 where id = 1; end;
create trigger training_participants_by_kind_insert_version after insert on training_participants_by_kind begin update data_version set version = version + 1 where id = 1; end;
create trigger training_participants_by_kind_update_version after update on training_participants_by_kind begin update data_version set version = version + 1 where id = 1; end;
create trigger training_participants_by_kind_delete_version after delete on training_participants_by_kind begin update data_version set version = version + 1 where id = 1; end;
create trigger service_units_insert_version after insert on service_units begin update data_version set version = version + 1 where id = 1; end;
create trigger service_units_update_version after update on service_units begin update data_version set version = version + 1 where id = 1; end;
create trigger service_units_delete_version after delete on service_units begin update data_version set version = version + 1 where id = 1; end;
create trigger predicate_records_insert_version after insert on predicate_records begin update data_version set version = version + 1 where id = 1; end;
create trigger predicate_records_update_version after update on predicate_records begin update data_version set version = version + 1 where id = 1; end;
create trigger predicate_records_delete_version after delete on predicate_records begin update data_version set version = version + 1 where id = 1; end;
