def find_dates(doc, text, starts, published_at):
    return []
