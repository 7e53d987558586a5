"""The approval order (käskkiri): drafted from what changed in git, packaged for signing.

document.py (what the order templates see), plan.py (which positions become annexes, which
earlier annexes are repealed), package.py (the order, its annexes and a manifest, written
reproducibly), stamp.py (the register's number and date written into the positions' YAML).
"""
