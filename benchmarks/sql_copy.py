"""Copies, in SQL, every record of a set of patients, for the benchmarks' large practices.

Posting hundreds of thousands of charges through the ORM would take hours on a 2-core
machine: the benchmarks make a seed through the ORM, then copy its patients here. Each copy
has fresh ids and every reference to a copied record remapped to its copy (read from the
database's foreign keys); payers, providers, accounts and journals stay shared, as in a
real practice, and unique names get a suffix. The copies are the same posted journal items
the ORM made (accounts, amounts, residuals, reconciliations). Tables of apps that are not
installed are skipped.
"""

from __future__ import annotations

# The records of a set of patients that the SQL copies duplicate, each with the rows to
# copy; in the order their id maps are made (each selection may read the maps before it).
COPIED = [
    ("res_partner", "t.id IN (SELECT id FROM bench_patient)"),
    ("medical_policy", "t.patient_id IN (SELECT id FROM bench_patient)"),
    ("medical_case", "t.patient_id IN (SELECT id FROM bench_patient)"),
    ("medical_case_diagnosis", "t.case_id IN (SELECT old_id FROM map_medical_case)"),
    ("medical_charge", "t.patient_id IN (SELECT id FROM bench_patient)"),
    ("medical_claim", "t.patient_id IN (SELECT id FROM bench_patient)"),
    ("medical_claim_line", "t.claim_id IN (SELECT old_id FROM map_medical_claim)"),
    ("medical_claim_event", "t.claim_id IN (SELECT old_id FROM map_medical_claim)"),
    ("medical_payment", "t.patient_id IN (SELECT id FROM bench_patient)"),
    ("medical_eob", "t.id IN (SELECT eob_id FROM medical_eob_line "
                    "WHERE charge_id IN (SELECT old_id FROM map_medical_charge))"),
    ("medical_eob_line", "t.eob_id IN (SELECT old_id FROM map_medical_eob)"),
    ("medical_eob_adjustment", "t.line_id IN (SELECT old_id FROM map_medical_eob_line)"),
    # Billing entries: those of the patients' charges (charges, EOBs) and payments.
    ("account_move", "t.journal_id IN %(journals)s AND t.id IN ("
                     "SELECT move_id FROM account_move_line WHERE medical_charge_id IN "
                     "(SELECT old_id FROM map_medical_charge) UNION "
                     "SELECT move_id FROM account_move_line WHERE partner_id IN "
                     "(SELECT id FROM bench_patient))"),
    ("account_move_line", "t.move_id IN (SELECT old_id FROM map_account_move)"),
    ("account_full_reconcile", "t.id IN (SELECT full_reconcile_id FROM account_move_line "
                               "WHERE id IN (SELECT old_id FROM map_account_move_line))"),
    ("account_partial_reconcile", "t.debit_move_id IN "
                                  "(SELECT old_id FROM map_account_move_line)"),
]
# The order the copies are inserted in, so that each row's references exist before it.
INSERT_ORDER = [
    "res_partner", "medical_policy", "medical_case", "medical_case_diagnosis", "account_move",
    "medical_charge", "medical_claim", "medical_claim_line", "medical_payment", "medical_eob",
    "medical_eob_line", "medical_eob_adjustment", "medical_claim_event",
    "account_full_reconcile", "account_move_line", "account_partial_reconcile",
]
# Many2many tables of the copied records (those that exist are copied).
COPIED_RELATIONS = [
    "medical_case_diagnosis_medical_charge_rel", "account_tax_medical_charge_rel",
    "account_move_line_account_tax_rel", "account_account_tag_account_move_line_rel",
    "account_move_medical_payment_rel",
]
# Unique names: each copy's gets a suffix.
SUFFIXED = {
    "res_partner": ["patient_account_number"],
    "account_move": ["name"],
    "account_move_line": ["move_name"],
    "medical_claim": ["name"],
    "medical_payment": ["name"],
    "medical_eob": ["name"],
}


def copy_patients(env, patient_ids, copies, tag):
    """Copy every record of these patients ``copies`` times (see COPIED); suffix unique
    names with ``-<tag><copy>``. Return the new patients' ids and {table: rows copied}.
    The caller commits."""
    if copies < 1 or not patient_ids:
        return [], {}
    cr = env.cr
    env.flush_all()
    # Room for the copies' hash joins (this transaction only).
    cr.execute("SET LOCAL work_mem = '256MB'")
    company = env.company
    journals = (company.medical_charge_journal_id | company.medical_adjustment_journal_id
                | company.medical_payment_journal_id
                | company.medical_payer_payment_journal_id)
    journal_list = f"({','.join(str(journal_id) for journal_id in journals.ids)})"
    cr.execute("CREATE TEMP TABLE bench_patient (id int PRIMARY KEY)")
    cr.execute("INSERT INTO bench_patient SELECT unnest(%s)", [list(patient_ids)])
    cr.execute("ANALYZE bench_patient")
    tables = [table for table, __ in COPIED if _exists(cr, table)]
    for table, where in COPIED:
        if table not in tables:
            continue
        where = where.replace("%(journals)s", journal_list)
        cr.execute(f"""
            CREATE TEMP TABLE map_{table} AS
            SELECT k, t.id AS old_id, nextval('{table}_id_seq') AS new_id
              FROM {table} t CROSS JOIN generate_series(1, {copies}) k
             WHERE {where}
          ORDER BY k, t.id
        """)
        cr.execute(f"CREATE INDEX ON map_{table} (old_id, k)")
        cr.execute(f"ANALYZE map_{table}")
    _check_copy_is_closed(cr)
    suffix = f"'-{tag}' || m.k"
    for table in INSERT_ORDER:
        if table not in tables:
            continue
        columns = _columns(cr, table)
        references = {column: target for column, target in _references(cr, table)
                      if target in tables and column in columns}
        joins = [
            f"LEFT JOIN map_{target} j_{column} "
            f"ON j_{column}.old_id = t.{column} AND j_{column}.k = m.k"
            for column, target in references.items()
        ]
        expressions = {column: f"t.{column} || {suffix}"
                       for column in SUFFIXED.get(table, []) if column in columns}
        if table == "account_move_line":
            # A matching number names the full reconcile, or a partial as 'P<id>'.
            joins.append("LEFT JOIN map_account_partial_reconcile j_mn "
                         "ON 'P' || j_mn.old_id = t.matching_number AND j_mn.k = m.k")
            expressions["matching_number"] = (
                "CASE WHEN t.full_reconcile_id IS NOT NULL "
                "THEN j_full_reconcile_id.new_id::text "
                "WHEN j_mn.new_id IS NOT NULL THEN 'P' || j_mn.new_id "
                "ELSE t.matching_number END")
        values = [
            expressions.get(column)
            or (f"COALESCE(j_{column}.new_id, t.{column})" if column in references
                else f"t.{column}")
            for column in columns
        ]
        cr.execute(f"""
            INSERT INTO {table} (id, {', '.join(columns)})
            SELECT m.new_id, {', '.join(values)}
              FROM {table} t JOIN map_{table} m ON m.old_id = t.id
              {' '.join(joins)}
        """)
    for relation in COPIED_RELATIONS:
        if not _exists(cr, relation):
            continue
        copied = [(column, target) for column, target in _references(cr, relation)
                  if target in tables]
        if not copied:
            continue
        (lead, lead_target), others = copied[0], copied[1:]
        joins = [f"LEFT JOIN map_{target} j_{column} "
                 f"ON j_{column}.old_id = r.{column} AND j_{column}.k = m.k"
                 for column, target in others]
        columns = _columns(cr, relation, with_id=True)
        values = [
            "m.new_id" if column == lead
            else f"COALESCE(j_{column}.new_id, r.{column})" if column in dict(others)
            else f"r.{column}"
            for column in columns
        ]
        cr.execute(f"""
            INSERT INTO {relation} ({', '.join(columns)})
            SELECT {', '.join(values)}
              FROM {relation} r JOIN map_{lead_target} m ON m.old_id = r.{lead}
              {' '.join(joins)}
        """)
    counts = {}
    for table in tables:
        cr.execute(f"SELECT count(*) FROM map_{table}")
        counts[table] = cr.fetchone()[0]
    cr.execute("SELECT new_id FROM map_res_partner ORDER BY new_id")
    new_patients = [new_id for (new_id,) in cr.fetchall()]
    for table in tables:
        cr.execute(f"DROP TABLE map_{table}")
    cr.execute("DROP TABLE bench_patient")
    env.invalidate_all()
    return new_patients, counts


def _check_copy_is_closed(cr):
    """The copied entries and reconciliations hold only the copied patients' records:
    a copy of anything else would be left pointing at the original."""
    checks = {
        "journal items of another patient's charge in a copied entry": """
            SELECT count(*) FROM account_move_line
             WHERE move_id IN (SELECT old_id FROM map_account_move)
               AND medical_charge_id IS NOT NULL
               AND medical_charge_id NOT IN (SELECT old_id FROM map_medical_charge)""",
        "journal items of another patient in a copied entry": """
            SELECT count(*) FROM account_move_line aml JOIN res_partner p
                ON p.id = aml.partner_id AND p.is_patient
             WHERE aml.move_id IN (SELECT old_id FROM map_account_move)
               AND aml.partner_id NOT IN (SELECT id FROM bench_patient)""",
        "EOB lines of another patient's charge on a copied EOB": """
            SELECT count(*) FROM medical_eob_line
             WHERE eob_id IN (SELECT old_id FROM map_medical_eob)
               AND charge_id NOT IN (SELECT old_id FROM map_medical_charge)""",
        "reconciliations with an item outside the copy": """
            SELECT count(*) FROM account_partial_reconcile
             WHERE id IN (SELECT old_id FROM map_account_partial_reconcile)
               AND credit_move_id NOT IN (SELECT old_id FROM map_account_move_line)""",
    }
    for label, query in checks.items():
        cr.execute(query)
        count = cr.fetchone()[0]
        if count:
            raise RuntimeError(f"Cannot copy these patients in SQL: {count:,} {label}.")


def _columns(cr, table, with_id=False):
    cr.execute("""
        SELECT column_name FROM information_schema.columns
         WHERE table_schema = 'public' AND table_name = %s
      ORDER BY ordinal_position
    """, [table])
    return [name for (name,) in cr.fetchall() if with_id or name != "id"]


def _references(cr, table):
    """[(column, referenced table)] of the table's foreign keys."""
    cr.execute("""
        SELECT a.attname, c.confrelid::regclass::text
          FROM pg_constraint c
          JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
         WHERE c.contype = 'f' AND c.conrelid = to_regclass(%s)
    """, [table])
    return cr.fetchall()


def _exists(cr, table):
    cr.execute("SELECT to_regclass(%s) IS NOT NULL", [table])
    return cr.fetchone()[0]
