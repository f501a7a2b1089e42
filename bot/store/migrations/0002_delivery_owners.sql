-- Which process holds a claimed or retrying delivery (bot/store/workers.py), so that with
-- several processes on one database only a stopped one's rows are settled by another.
alter table deliveries add column claimed_by text;

-- What the scheduler watches for changes made by another process (bot/store/routines.py,
-- `changes_seen`): a sequence moved by every write to a schedule, and by a delivery queued
-- for the running Nudge. A sequence takes no row lock, so writers never wait on each other.
create sequence schedule_changes;

create function schedule_changed() returns trigger language plpgsql as $$
begin
    perform nextval('schedule_changes');
    return null;
end
$$;

create trigger promotions_changed after insert or update or delete on promotions
    for each statement execute function schedule_changed();
create trigger reminders_changed after insert or update or delete on reminders
    for each statement execute function schedule_changed();
create trigger routines_changed after insert or update or delete on routines
    for each statement execute function schedule_changed();
create trigger deliveries_queued after insert or update on deliveries
    for each row when (new.status = 'queued') execute function schedule_changed();
