def migrate(cr, version):
    # Balances Due You now reads stored open figures of claims and charges through partial
    # indexes of their own; the index of open journal items it read before is dropped, as
    # it only cost every write of a journal item.
    cr.execute("DROP INDEX IF EXISTS account_move_line_medical_open_item_idx")
