"""Evidence: upload, storage, checklists and custody of the files a case rests on."""
