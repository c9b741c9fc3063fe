"""What people see: the label catalogue (the only way a code reaches a person), template filters, file responses."""
