-- The data version: a counter that every change to the figures' tables increments, by trigger, in the same
-- transaction as the change. Pages cache their aggregates keyed by this number and read it (one tiny query)
-- on every request, so a write is visible on the very next request — on this server and on every other app
-- server sharing the database — whatever path the write took (form, import, generator, SQL by hand).
-- Statement-level triggers: a bulk insert bumps the version once per statement, not once per row.
create table data_version (
    id      integer primary key check (id = 1),
    version bigint not null
);
insert into data_version (id, version) values (1, 0);

create function bump_data_version() returns trigger language plpgsql as $$
begin
    update data_version set version = version + 1 where id = 1;
    return null;
end
$$;
create trigger training_events_version after insert or update or delete on training_events for each statement execute function bump_data_version();
create trigger training_participants_by_regency_version after insert or update or delete on training_participants_by_regency for each statement execute function bump_data_version();
create trigger training_participants_by_kind_version after insert or update or delete on training_participants_by_kind for each statement execute function bump_data_version();
create trigger service_units_version after insert or update or delete on service_units for each statement execute function bump_data_version();
create trigger predicate_records_version after insert or update or delete on predicate_records for each statement execute function bump_data_version();
