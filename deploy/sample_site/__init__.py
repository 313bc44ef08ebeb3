"""A sample news site served on localhost: four outlets in the style of the seed pages.

content/*.txt holds the articles (headers + paragraphs); build.py renders them into www/ with each
outlet's own boilerplate (menus, teaser blocks, comments, scripts); server.py serves www/.
"""
