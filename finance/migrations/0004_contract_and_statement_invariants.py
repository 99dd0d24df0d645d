"""Invariants of contracts and statements that a check constraint cannot hold, as triggers
(docs/decisions/0038):

- a contract's type fits its contract period: up to 2024 ECTs and mentors banded with uplifts,
  from 2025 ECTs banded and mentors at a flat rate;
- a contract version and its bands are never changed or removed: a change is a new version;
- a contract version's bands are lettered from A in order, the first from the first participant,
  each starting where the one before ended (checked when the transaction commits, once every
  band is written);
- a statement moves forward only (open, payable, paid), and once paid keeps what it was paid;
- adjustments are added, changed or removed only while their statement is unpaid;
- a declaration is put on a statement (to be paid or clawed back) only while the statement is
  open, so none lands on a statement made payable or authorised for payment meanwhile (the
  check takes a lock that those take exclusively). A bulk load of history (participants.bulk_load) is trusted.
"""

from django.db import migrations

LAST_YEAR_WITH_UPLIFTS = 2024  # providers.models.LAST_YEAR_WITH_UPLIFTS when this was written

SQL = f"""
CREATE FUNCTION finance_contract_type_fits_its_period() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  period_year integer;
BEGIN
  SELECT contract_period_id INTO period_year
    FROM providers_activeleadprovider WHERE id = NEW.active_lead_provider_id;
  IF (period_year <= {LAST_YEAR_WITH_UPLIFTS}) <> (NEW.contract_type = 'banded_with_uplifts') THEN
    RAISE EXCEPTION 'a % contract does not fit contract period %', NEW.contract_type, period_year
      USING ERRCODE = 'check_violation', CONSTRAINT = 'contract_type_fits_its_period';
  END IF;
  RETURN NEW;
END $$;

CREATE TRIGGER contract_type_fits_its_period BEFORE INSERT ON finance_contract
  FOR EACH ROW EXECUTE FUNCTION finance_contract_type_fits_its_period();


CREATE FUNCTION finance_refuse_contract_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '%: a contract version is never changed or removed; make a new version', TG_TABLE_NAME
    USING ERRCODE = 'check_violation', CONSTRAINT = 'contract_version_is_kept';
END $$;

CREATE TRIGGER contract_version_is_kept BEFORE UPDATE OR DELETE ON finance_contract
  FOR EACH ROW EXECUTE FUNCTION finance_refuse_contract_change();
CREATE TRIGGER price_band_is_kept BEFORE UPDATE OR DELETE ON finance_priceband
  FOR EACH ROW EXECUTE FUNCTION finance_refuse_contract_change();


CREATE FUNCTION finance_check_contract_bands() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  contract bigint;
  band record;
  previous_max integer;
  seen integer := 0;
BEGIN
  IF TG_TABLE_NAME = 'finance_contract' THEN
    contract := NEW.id;
  ELSE
    contract := NEW.contract_id;
  END IF;
  FOR band IN SELECT letter, min, max FROM finance_priceband WHERE contract_id = contract ORDER BY letter LOOP
    IF band.letter <> chr(ascii('A') + seen) THEN
      RAISE EXCEPTION 'contract %: bands are lettered from A in order, not %', contract, band.letter
        USING ERRCODE = 'check_violation', CONSTRAINT = 'contract_bands_run_on';
    END IF;
    IF seen = 0 AND band.min NOT IN (0, 1) THEN
      RAISE EXCEPTION 'contract %: band A starts from the first participant (0 or 1), not %', contract, band.min
        USING ERRCODE = 'check_violation', CONSTRAINT = 'contract_bands_run_on';
    END IF;
    IF seen > 0 AND band.min <> previous_max + 1 THEN
      RAISE EXCEPTION 'contract %: band % starts at %, not where the band before ended (%)',
          contract, band.letter, band.min, previous_max + 1
        USING ERRCODE = 'check_violation', CONSTRAINT = 'contract_bands_run_on';
    END IF;
    previous_max := band.max;
    seen := seen + 1;
  END LOOP;
  IF seen = 0 THEN
    RAISE EXCEPTION 'contract % has no price bands', contract
      USING ERRCODE = 'check_violation', CONSTRAINT = 'contract_bands_run_on';
  END IF;
  RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER contract_bands_run_on AFTER INSERT ON finance_contract
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION finance_check_contract_bands();
CREATE CONSTRAINT TRIGGER contract_bands_run_on AFTER INSERT ON finance_priceband
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION finance_check_contract_bands();


CREATE FUNCTION finance_statement_moves_forward() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.marked_payable_at IS NOT NULL AND NEW.marked_payable_at IS DISTINCT FROM OLD.marked_payable_at THEN
    RAISE EXCEPTION 'statement %: a payable statement stays payable', OLD.id
      USING ERRCODE = 'check_violation', CONSTRAINT = 'statement_moves_forward';
  END IF;
  IF OLD.paid_at IS NOT NULL AND (
    NEW.paid_at IS DISTINCT FROM OLD.paid_at
    OR NEW.paid_by_id IS DISTINCT FROM OLD.paid_by_id
    OR NEW.calculation IS DISTINCT FROM OLD.calculation
    OR NEW.deadline_date IS DISTINCT FROM OLD.deadline_date
    OR NEW.active_lead_provider_id IS DISTINCT FROM OLD.active_lead_provider_id
  ) THEN
    RAISE EXCEPTION 'statement %: a paid statement keeps what it was paid', OLD.id
      USING ERRCODE = 'check_violation', CONSTRAINT = 'statement_moves_forward';
  END IF;
  RETURN NEW;
END $$;

CREATE TRIGGER statement_moves_forward BEFORE UPDATE ON finance_statement
  FOR EACH ROW EXECUTE FUNCTION finance_statement_moves_forward();


CREATE FUNCTION finance_adjustment_on_an_unpaid_statement() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  statement_ids bigint[];
BEGIN
  IF TG_OP = 'INSERT' THEN
    statement_ids := ARRAY[NEW.statement_id];
  ELSIF TG_OP = 'UPDATE' THEN
    statement_ids := ARRAY[OLD.statement_id, NEW.statement_id];
  ELSE
    statement_ids := ARRAY[OLD.statement_id];
  END IF;
  -- Authorising a statement for payment (FOR UPDATE) waits for this, or this for it.
  PERFORM 1 FROM finance_statement WHERE id = ANY(statement_ids) FOR KEY SHARE;
  IF EXISTS (SELECT 1 FROM finance_statement WHERE id = ANY(statement_ids) AND paid_at IS NOT NULL) THEN
    RAISE EXCEPTION 'statement %: adjustments change only while a statement is unpaid', statement_ids[1]
      USING ERRCODE = 'check_violation', CONSTRAINT = 'adjustment_on_an_unpaid_statement';
  END IF;
  IF TG_OP = 'DELETE' THEN
    RETURN OLD;
  END IF;
  RETURN NEW;
END $$;

CREATE TRIGGER adjustment_on_an_unpaid_statement BEFORE INSERT OR UPDATE OR DELETE ON finance_statementadjustment
  FOR EACH ROW EXECUTE FUNCTION finance_adjustment_on_an_unpaid_statement();


CREATE FUNCTION finance_declaration_on_an_open_statement() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  statement_id bigint;
BEGIN
  IF current_setting('participants.bulk_load', true) = 'on' THEN
    RETURN NEW;
  END IF;
  FOREACH statement_id IN ARRAY ARRAY[
    CASE WHEN TG_OP = 'INSERT' OR NEW.payment_statement_id IS DISTINCT FROM OLD.payment_statement_id
      THEN NEW.payment_statement_id END,
    CASE WHEN TG_OP = 'INSERT' OR NEW.clawback_statement_id IS DISTINCT FROM OLD.clawback_statement_id
      THEN NEW.clawback_statement_id END
  ] LOOP
    CONTINUE WHEN statement_id IS NULL;
    -- Marking the statement payable or authorising it (both FOR UPDATE) wait for this, or this
    -- for them; declarations and voids (FOR NO KEY UPDATE) do not wait for one another here.
    PERFORM 1 FROM finance_statement
      WHERE id = statement_id AND marked_payable_at IS NULL AND paid_at IS NULL FOR KEY SHARE;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'declaration %: statement % is no longer open', NEW.id, statement_id
        USING ERRCODE = 'check_violation', CONSTRAINT = 'declaration_on_an_open_statement';
    END IF;
  END LOOP;
  RETURN NEW;
END $$;

CREATE TRIGGER declaration_on_an_open_statement
  BEFORE INSERT OR UPDATE OF payment_statement_id, clawback_statement_id ON finance_declaration
  FOR EACH ROW EXECUTE FUNCTION finance_declaration_on_an_open_statement();
"""

REVERSE = """
DROP TRIGGER declaration_on_an_open_statement ON finance_declaration;
DROP FUNCTION finance_declaration_on_an_open_statement();
DROP TRIGGER adjustment_on_an_unpaid_statement ON finance_statementadjustment;
DROP FUNCTION finance_adjustment_on_an_unpaid_statement();
DROP TRIGGER statement_moves_forward ON finance_statement;
DROP FUNCTION finance_statement_moves_forward();
DROP TRIGGER contract_bands_run_on ON finance_priceband;
DROP TRIGGER contract_bands_run_on ON finance_contract;
DROP FUNCTION finance_check_contract_bands();
DROP TRIGGER price_band_is_kept ON finance_priceband;
DROP TRIGGER contract_version_is_kept ON finance_contract;
DROP FUNCTION finance_refuse_contract_change();
DROP TRIGGER contract_type_fits_its_period ON finance_contract;
DROP FUNCTION finance_contract_type_fits_its_period();
"""


class Migration(migrations.Migration):
    dependencies = [("finance", "0003_contracts_and_statement_lifecycle")]

    operations = [migrations.RunSQL(SQL, REVERSE)]
