def find_quotes(doc, text, starts, spans):
    return []
