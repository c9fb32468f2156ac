"""The article library: the article file format (``file``) and the folder of them (``library``)."""
