def post_init_hook(env):
    # The dunning levels of the data file are the main company's; the other companies
    # get a copy of them.
    env["res.company"].search([])._medical_copy_dunning_levels()
